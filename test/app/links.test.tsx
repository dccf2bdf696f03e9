// @vitest-environment jsdom
/** Source links: the file is validated (https, one {id}), ids are encoded, and the pages link ids to their source system. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as incidents from '../../app/routes/incidents.tsx';
import * as releaseDetail from '../../app/routes/releases.$id.tsx';
import { sourceHref } from '../../app/views/SourceId.tsx';
import { LinksError, linksPath, readLinks } from '../../lib/links.ts';
import { freshDatabase, goldenInput, loadFolder, tempFile } from '../helpers.ts';
import { callLoader, renderRoute, waitForText } from './helpers.tsx';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

const tempLinks = (text: string) => tempFile('links.yaml', text);

describe('the links file', () => {
  it('has no template in the committed default, so ids show as text', () => {
    expect(linksPath()).toMatch(/config[/\\]links\.yaml$/);
    expect(readLinks()).toEqual({});
  });

  it('reads templates per source and kind', () => {
    const file = tempLinks(
      'sources:\n  servicenow:\n    incident: https://acme.service-now.com/incident.do?sysparm_query=number={id}\n  jira:\n    problem: https://acme.atlassian.net/browse/{id}\n',
    );
    expect(readLinks(file)).toEqual({
      servicenow: { incident: 'https://acme.service-now.com/incident.do?sysparm_query=number={id}' },
      jira: { problem: 'https://acme.atlassian.net/browse/{id}' },
    });
  });

  it.each([
    ['javascript:alert(1)//{id}', /must start with https:\/\//],
    ['http://acme.example.com/{id}', /must start with https:\/\//],
    ['data:text/html,{id}', /must start with https:\/\//],
    ['https://acme.example.com/browse/', /exactly one \{id\} \(has 0\)/],
    ['https://acme.example.com/{id}/{id}', /exactly one \{id\} \(has 2\)/],
    ['https://{id}.example.com/', /\{id\} must be in the path or query/],
    ['https://user:secret@acme.example.com/{id}', /user name or password/],
    ['not a url {id}', /is not a URL/],
  ])('refuses %s, naming the file and the key', (template, message) => {
    const file = tempLinks(`sources:\n  servicenow:\n    incident: "${template}"\n`);
    expect(() => readLinks(file)).toThrow(LinksError);
    expect(() => readLinks(file)).toThrow(message);
    expect(() => readLinks(file)).toThrow(
      new RegExp(`${file.replace(/[\\/.]/g, '.')}: sources\\.servicenow\\.incident`),
    );
  });

  it('refuses an unknown kind, a bad source name and a missing file', () => {
    expect(() => readLinks(tempLinks('sources:\n  servicenow:\n    ticket: https://a.example.com/{id}\n'))).toThrow(
      /Unrecognized key.*ticket/,
    );
    expect(() => readLinks(tempLinks('sources:\n  "a b":\n    incident: https://a.example.com/{id}\n'))).toThrow(
      /source must be/,
    );
    expect(() => readLinks('/nonexistent/links.yaml')).toThrow(/links file does not exist/);
  });

  it('allows http for localhost only', () => {
    expect(readLinks(tempLinks('sources:\n  csv:\n    incident: http://localhost:8080/i/{id}\n'))).toEqual({
      csv: { incident: 'http://localhost:8080/i/{id}' },
    });
  });
});

describe('sourceHref', () => {
  const links = { servicenow: { incident: 'https://acme.service-now.com/incident.do?sysparm_query=number={id}' } };
  it('puts the URL-encoded id into its source and kind template', () => {
    expect(sourceHref(links, 'incident', 'servicenow', 'INC0010001')).toBe(
      'https://acme.service-now.com/incident.do?sysparm_query=number=INC0010001',
    );
    expect(sourceHref(links, 'incident', 'servicenow', 'a&b=c "x"/../')).toBe(
      'https://acme.service-now.com/incident.do?sysparm_query=number=a%26b%3Dc%20%22x%22%2F..%2F',
    );
  });
  it('is null for another source, another kind, or no id', () => {
    expect(sourceHref(links, 'incident', 'jira', 'X-1')).toBeNull();
    expect(sourceHref(links, 'problem', 'servicenow', 'PRB1')).toBeNull();
    expect(sourceHref(links, 'incident', 'servicenow', null)).toBeNull();
    expect(sourceHref(links, 'incident', null, 'INC1')).toBeNull();
  });
});

describe('pages with a links file', () => {
  const previous = process.env.RELEASELENS_LINKS;
  let cleanup: (() => void) | undefined;
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    process.env.RELEASELENS_LINKS = tempLinks(
      [
        'sources:',
        '  csv:',
        '    incident: https://itsm.example.com/incident/{id}',
        '    problem: https://itsm.example.com/problem/{id}',
        '    release: https://itsm.example.com/release/{id}',
        '    change: https://itsm.example.com/change/{id}',
        '',
      ].join('\n'),
    );
  });
  afterEach(() => {
    cleanup?.();
    document.body.innerHTML = '';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.RELEASELENS_LINKS;
    else process.env.RELEASELENS_LINKS = previous;
  });

  it("the incident patterns loader carries each row's source and the templates", async () => {
    const { data: d } = await callLoader(incidents.loader, `/incidents?${march}`);
    expect(d?.rows.length).toBeGreaterThan(0);
    expect(d?.rows.every((r) => r.source === 'csv')).toBe(true);
    expect(d?.links.csv?.incident).toBe('https://itsm.example.com/incident/{id}');
    expect(d?.problems.every((r) => r.source === 'csv')).toBe(true);
  });

  it('the release detail links the release, its incidents and changes to the source system', async () => {
    const { container, unmount } = await renderRoute('/releases/:id', releaseDetail, `/releases/R2?${march}`);
    cleanup = unmount;
    await waitForText(container, 'counts as failed');
    const hrefs = [...container.querySelectorAll('a[target="_blank"]')].map((a) => a.getAttribute('href'));
    expect(hrefs).toContain('https://itsm.example.com/release/R2');
    expect(hrefs).toContain('https://itsm.example.com/incident/I2');
    expect(hrefs).toContain('https://itsm.example.com/incident/I2B');
    expect(hrefs.some((h) => h?.startsWith('https://itsm.example.com/change/'))).toBe(true);
    for (const a of container.querySelectorAll('a[target="_blank"]'))
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  });
});
