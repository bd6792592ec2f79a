// What a panel shows while its list loads or when it could not be listed: "Loading <what>…", or
// "Could not list <what>: <error>" as an alert. Nothing once the list is there.
export function LoadState({ what, error, loaded }: { what: string; error: string | null | undefined; loaded: boolean }) {
  if (error) {
    return (
      <p className="problem" role="alert">
        Could not list {what}: {error}
      </p>
    );
  }
  return loaded ? null : <p className="muted">Loading {what}…</p>;
}
