/** Moves to a route; `replace` does so without a history entry (arrow keys stepping through spans). */
export function navigate(href: string, replace = false): void {
  if (!replace) {
    location.hash = href;
    return;
  }
  history.replaceState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
