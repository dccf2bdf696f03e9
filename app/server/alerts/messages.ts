/**
 * Messages, one builder per channel kind, all from one shape: an alert that
 * fired or cleared (with its reading) or a digest (its lines). Pure: the
 * sender posts what these return. Slack gets Block Kit, Teams an Adaptive
 * Card, email HTML with a plain-text part, the generic webhook the JSON of
 * docs/alerts.md (`releaselens.alert.v1`).
 */
import type { Reading } from './readings.server.ts';

export interface Message {
  event: 'fired' | 'cleared' | 'digest';
  /** The rule's or digest's name. */
  name: string;
  /** The rule's condition as written (alerts only). */
  condition: string | null;
  /** One line under the title: what crossed (or cleared), or what the digest covers. */
  headline: string;
  /** Further lines: the statistic and scope for an alert, the KPI lines for a digest. */
  lines: string[];
  items: { id: string; text: string; link: string }[];
  link: string;
  at: string;
  reading: Reading | null;
  /** A digest's attached report (HTML). */
  attachment: { filename: string; html: string } | null;
}

const titleOf = (m: Message) =>
  m.event === 'fired' ? `Alert: ${m.name}` : m.event === 'cleared' ? `Cleared: ${m.name}` : `Digest: ${m.name}`;

/** Slack's mrkdwn escapes only these three. */
const slackText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function slackBody(m: Message) {
  const items = m.items.slice(0, 10).map((i) => `• <${i.link}|${slackText(i.id)}>: ${slackText(i.text)}`);
  return {
    text: `${titleOf(m)}: ${m.headline}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: titleOf(m).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: slackText(m.headline) } },
      ...(m.lines.length
        ? [{ type: 'context', elements: m.lines.slice(0, 10).map((l) => ({ type: 'mrkdwn', text: slackText(l) })) }]
        : []),
      ...(items.length ? [{ type: 'section', text: { type: 'mrkdwn', text: items.join('\n').slice(0, 3000) } }] : []),
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in ReleaseLens' }, url: m.link }],
      },
    ],
  };
}

export function teamsBody(m: Message) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Medium',
              weight: 'Bolder',
              text: titleOf(m),
              wrap: true,
              color: m.event === 'fired' ? 'Attention' : m.event === 'cleared' ? 'Good' : 'Default',
            },
            { type: 'TextBlock', text: m.headline, wrap: true },
            ...m.lines.map((l) => ({ type: 'TextBlock', text: l, wrap: true, isSubtle: true, spacing: 'None' })),
            ...(m.items.length
              ? [{ type: 'FactSet', facts: m.items.slice(0, 10).map((i) => ({ title: i.id, value: i.text })) }]
              : []),
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in ReleaseLens', url: m.link }],
        },
      },
    ],
  };
}

/** The generic webhook's JSON (schema releaselens.alert.v1, documented in docs/alerts.md). */
export function webhookBody(m: Message) {
  const r = m.reading;
  return {
    schema: 'releaselens.alert.v1',
    event: m.event,
    name: m.name,
    condition: m.condition,
    headline: m.headline,
    lines: m.lines,
    value: r?.value ?? null,
    threshold: r?.threshold ?? null,
    interval: r?.interval ?? null,
    statistic: r?.statistic ?? null,
    period: r?.period ?? null,
    scope: r?.scope ?? null,
    items: m.items,
    link: m.link,
    at: m.at,
  };
}

const html = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function emailParts(m: Message) {
  const text = [
    titleOf(m),
    '',
    m.headline,
    ...m.lines,
    ...(m.items.length ? ['', ...m.items.map((i) => `- ${i.id}: ${i.text} ${i.link}`)] : []),
    '',
    `Open in ReleaseLens: ${m.link}`,
    '',
  ].join('\n');
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:40rem">
<h2>${html(titleOf(m))}</h2>
<p><strong>${html(m.headline)}</strong></p>
${m.lines.map((l) => `<p style="color:#555;margin:0.2em 0">${html(l)}</p>`).join('\n')}
${m.items.length ? `<ul>${m.items.map((i) => `<li><a href="${html(i.link)}">${html(i.id)}</a>: ${html(i.text)}</li>`).join('')}</ul>` : ''}
<p><a href="${html(m.link)}">Open in ReleaseLens</a></p>
</body></html>`;
  return {
    subject: `[ReleaseLens] ${titleOf(m)}`.slice(0, 200),
    text,
    html: body,
    attachments: m.attachment
      ? [{ filename: m.attachment.filename, content: m.attachment.html, contentType: 'text/html' }]
      : [],
  };
}
