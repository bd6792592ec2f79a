export function chromiumPath(): string;
export function electronPath(): string | null;
