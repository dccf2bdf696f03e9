/** A record's id, linked to its page in the source system when a links file names one (lib/links.ts). */
import type { LinkKind, LinkTemplates } from '../../lib/links.ts';

/** The source system's URL for one record, or null when no template covers its source and kind. */
export function sourceHref(
  links: LinkTemplates,
  kind: LinkKind,
  source: string | null | undefined,
  id: string | null | undefined,
): string | null {
  if (!source || !id) return null;
  const template = links[source]?.[kind];
  return template ? template.replace('{id}', encodeURIComponent(id)) : null;
}

export function SourceId({
  links,
  kind,
  source,
  id,
}: {
  links: LinkTemplates;
  kind: LinkKind;
  source: string | null | undefined;
  id: string | null | undefined;
}) {
  if (!id) return <>—</>;
  const href = sourceHref(links, kind, source, id);
  if (!href) return <>{id}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" title={`Open ${id} in ${source}`}>
      {id}
    </a>
  );
}

/** Beside an id that already links inside the dashboard: a small ↗ to the same record in its source system. */
export function SourceLink({
  links,
  kind,
  source,
  id,
}: {
  links: LinkTemplates;
  kind: LinkKind;
  source: string | null | undefined;
  id: string | null | undefined;
}) {
  const href = sourceHref(links, kind, source, id);
  if (!href) return null;
  return (
    <>
      {' '}
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        className="source-link"
        aria-label={`Open ${id} in ${source}`}
        title={`Open ${id} in ${source}`}
      >
        ↗
      </a>
    </>
  );
}
