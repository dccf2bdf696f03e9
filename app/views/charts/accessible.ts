/**
 * Makes a built chart read well with assistive technology. The figure around
 * it carries the chart's name and text alternative; Plot also labels its mark
 * groups with aria-label, which ARIA forbids on a plain <g>, so those go. A
 * link a mark became (a heatmap cell, a go-live) takes its name from the
 * first line of the mark's title. Returns whether the chart holds links: then
 * it is a group of links rather than a single image.
 */
export function accessibleChart(node: Element): { interactive: boolean } {
  // a mark with a tip has no <title>: its link takes the name the mark's ariaLabel channel gave it
  for (const a of node.querySelectorAll('a')) {
    if (a.hasAttribute('aria-label') || a.querySelector('title')) continue;
    const named = a.querySelector('[aria-label]')?.getAttribute('aria-label');
    if (named) a.setAttribute('aria-label', named);
  }
  for (const el of node.querySelectorAll('[aria-label]')) {
    const tag = el.tagName.toLowerCase();
    if (!el.hasAttribute('role') && tag !== 'a' && tag !== 'svg') el.removeAttribute('aria-label');
  }
  const links = node.querySelectorAll('a');
  for (const a of links) {
    if (a.hasAttribute('aria-label')) continue;
    const title = a.querySelector('title')?.textContent?.split('\n')[0];
    if (title) a.setAttribute('aria-label', title);
  }
  // A press on a link is the link's, not the tip's: Plot's pointer makes its tip sticky on a mouse press
  // and draws it over the point between press and release, so the click lands on the tip and the link
  // never follows. Stopped here, on the way down, the press never reaches Plot's listener.
  if (links.length > 0) {
    node.addEventListener(
      'pointerdown',
      (event) => {
        if (event.target instanceof Element && event.target.closest('a')) event.stopPropagation();
      },
      { capture: true },
    );
  }
  return { interactive: links.length > 0 };
}
