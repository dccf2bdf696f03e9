/** The report's own style sheet, inlined in the document (it must open with no other file). */
export const reportStyles = `
:root { color: #1f2933; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 11pt; line-height: 1.4; }
body { max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; }
h1 { margin: 0 0 0.25rem; }
h2 { margin: 1.75rem 0 0.5rem; border-bottom: 1px solid #e4e7eb; padding-bottom: 0.2rem; break-after: avoid; }
h3 { margin: 1rem 0 0.35rem; font-size: 1rem; break-after: avoid; }
.muted { color: #616e7c; }
.scope { font-weight: 600; }
.sentence { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { color: #616e7c; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0.75rem; }
figure { margin: 0; border: 1px solid #e4e7eb; border-radius: 6px; padding: 0.5rem; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 0.25rem; }
figure svg { max-width: 100%; height: auto; }
article.unit { break-inside: avoid; border-left: 3px solid #b42318; padding-left: 0.75rem; margin: 0.75rem 0; }
dt { font-weight: 600; margin-top: 0.4rem; }
dd { margin: 0 0 0 1rem; }
figure figure { border: 0; padding: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0.75rem; }
.tile { border: 1px solid #e4e7eb; border-radius: 6px; padding: 0.5rem 0.75rem; break-inside: avoid; }
.tile h3 { margin: 0 0 0.2rem; }
.tile .value { display: block; font-size: 1.5rem; font-weight: 600; }
.tile .detail { display: block; color: #616e7c; }
.checks { margin: 0.3rem 0 0; padding-left: 1.1rem; }
.bad, .failed { color: #b42318; }
.good, .ok { color: #1f7a4d; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;
