// Sizes in words, in binary units as the answer limits are set: "512 bytes", "256 KiB", "3.1 MiB".
const UNITS = ['KiB', 'MiB', 'GiB'] as const;

export function bytesInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 of a unit (3.1 MiB); whole numbers above (256 KiB); no ".0".
  const shown = value < 10 ? Math.floor(value * 10) / 10 : Math.floor(value);
  return `${shown.toLocaleString('en-US')} ${UNITS[unit]}`;
}
