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

/** A record as the source links see it: the templates, its kind, its source and its id. */
interface SourceProps {
  links: LinkTemplates;
  kind: LinkKind;
  source: string | null | undefined;
  id: string | null | undefined;
}

export function SourceId({ links, kind, source, id }: SourceProps) {
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
export function SourceLink({ links, kind, source, id }: SourceProps) {
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
