/**
 * Release governance on the overview (docs/kpis.md): the backlog as of the
 * "as of" moment, policy compliance with each check, and satisfaction. A check
 * the data cannot judge says so instead of showing a number.
 */
import type { KpiReport, PolicyCheck } from '../../queries/kpis.ts';
import type { Rate } from '../../queries/stats.ts';
import { count, pct } from '../shared/format.ts';

const checkLabels: Record<PolicyCheck, string> = {
  authorised_before_start: 'Authorised before the start',
  rollback_tested: 'Rollback plan tested',
  service_desk_notified: 'Service desk notified before go-live',
  outside_freeze: 'Outside freeze windows',
  review_on_time: 'Post-release review within 5 business days',
};

const interval = (r: Rate) => `95% interval ${pct(r.ci95_low, 0)}–${pct(r.ci95_high, 0)}`;

export function GovernancePanel({ kpis, unit, asOf }: { kpis: KpiReport['kpis']; unit: string; asOf: string }) {
  const { backlog, policy_compliance: compliance, policy_checks: checks, satisfaction } = kpis;
  if (!backlog || !checks) {
    return (
      <p className="detail" data-governance="none">
        Release governance (backlog, policy compliance, satisfaction) is measured for releases and changes, not for
        single deployments.
      </p>
    );
  }
  return (
    <section className="tiles" aria-label="Release governance" data-governance="panel">
      <article className="tile" data-kpi="backlog">
        <h3>Backlog</h3>
        <span className="value">{count(backlog.count)}</span>
        <span className="detail">
          {unit}s requested and not yet live or cancelled on {asOf.slice(0, 10)};{' '}
          <strong>{count(backlog.overdue)}</strong> past their planned end.
          {backlog.age_days
            ? ` Age: median ${backlog.age_days.median.toFixed(1)} d, 85% within ${backlog.age_days.p85.toFixed(1)} d.`
            : ''}
          {backlog.oldest.length > 0 ? ` Oldest: ${backlog.oldest.slice(0, 3).join(', ')}.` : ''}
        </span>
      </article>
      <article className="tile" data-kpi="policy_compliance">
        <h3>Policy compliance</h3>
        <span className="value">{pct(compliance?.value)}</span>
        <span className="detail">
          {compliance
            ? `${count(compliance.numerator)} of ${count(compliance.denominator)} completed ${unit}s passed every check their data allows; ${interval(compliance)}.`
            : `no completed ${unit}s in the period.`}
        </span>
        <ul className="checks">
          {(Object.keys(checkLabels) as PolicyCheck[]).map((key) => {
            const r = checks[key];
            return (
              <li key={key} data-check={key}>
                {checkLabels[key]}:{' '}
                {r ? `${pct(r.value)} (${r.numerator} of ${r.denominator})` : 'not applicable (no such data)'}
              </li>
            );
          })}
        </ul>
      </article>
      <article className="tile" data-kpi="satisfaction">
        <h3>Satisfaction (CSAT)</h3>
        <span className="value">{satisfaction ? pct(satisfaction.csat?.value) : '—'}</span>
        <span className="detail">
          {satisfaction
            ? satisfaction.responses > 0 && satisfaction.csat
              ? `${count(satisfaction.csat.numerator)} of ${count(satisfaction.responses)} responses scored 4 or 5 (mean ${satisfaction.mean_score?.toFixed(2)} of 5) within 14 days of go-live; ${count(satisfaction.units_without_response)} ${unit}s had no response.`
              : `no survey responses within 14 days of these go-lives; ${count(satisfaction.units_without_response)} ${unit}s had none.`
            : 'no survey data loaded (an optional surveys file; see docs/schema.md).'}
        </span>
      </article>
    </section>
  );
}
