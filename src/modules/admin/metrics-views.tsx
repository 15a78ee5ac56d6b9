/**
 * The metrics page: the headline figures, then four charts, each with the table of the very
 * numbers it draws (amounts as money in their currency, minor units in data-value), and a CSV of the series.
 * @module
 */
import { formatMoney } from '../../lib/money.js'
import { type ChartSeries, Legend, LineChart, StackedBarChart, sharedCurrency, valueText } from './chart.js'
import { type MetricsReport, percentText } from './metrics.js'
import type { PerCurrency } from './mrr.js'

export function Money({ values }: { values: PerCurrency }) {
  const entries = Object.entries(values)
  if (entries.length === 0) return <span>0</span>
  return <span>{entries.map(([c, v]) => formatMoney(v, c)).join(' · ')}</span>
}

export function Percent({ rate }: { rate: number }) {
  return <span>{percentText(rate)}</span>
}

export function Headline({ report }: { report: MetricsReport }) {
  return (
    <dl class="figures">
      <dt>MRR</dt>
      <dd data-metric="mrr">
        <Money values={report.mrr} />
      </dd>
      <dt>ARR</dt>
      <dd data-metric="arr">
        <Money values={report.arr} />
      </dd>
      <dt>Active subscribers</dt>
      <dd data-metric="active_subscribers">{report.activeSubscribers}</dd>
      <dt>Trialing</dt>
      <dd data-metric="trialing">{report.trialing}</dd>
      <dt>Subscriber churn</dt>
      <dd data-metric="churn_rate">
        <Percent rate={report.subscriberChurn.rate} />
      </dd>
      <dt>Net revenue</dt>
      <dd data-metric="net_revenue">
        <Money values={report.revenue.net} />
      </dd>
      <dt>Refunds</dt>
      <dd data-metric="refunds">
        <Money values={report.revenue.refunds} />
      </dd>
      <dt>Trial → paid</dt>
      <dd data-metric="trial_conversion">
        <Percent rate={report.trialConversion.rate} /> ({report.trialConversion.numerator}/
        {report.trialConversion.denominator})
      </dd>
      <dt>Checkout conversion</dt>
      <dd data-metric="checkout_conversion">
        <Percent rate={report.checkoutConversion.rate} /> ({report.checkoutConversion.numerator}/
        {report.checkoutConversion.denominator})
      </dd>
      <dt>ARPU</dt>
      <dd data-metric="arpu">
        <Money values={report.arpu} />
      </dd>
    </dl>
  )
}

/** Every currency the series touches, so each gets a line of its own. */
function currenciesOf(
  report: MetricsReport,
  pick: (b: MetricsReport['series'][number]) => PerCurrency,
): string[] {
  return [...new Set(report.series.flatMap((b) => Object.keys(pick(b))))].sort()
}

function labelsOf(report: MetricsReport): string[] {
  return report.series.map((b) => b.start.slice(0, 10))
}

function ChartWithTable({
  id,
  title,
  labels,
  series,
  bars,
}: {
  id: string
  title: string
  labels: string[]
  series: ChartSeries[]
  bars?: boolean
}) {
  // Several currencies share one axis only as numbers: say so, since a yen is not a cent.
  const moneyOnPlainAxis = series.some((s) => s.currency) && !sharedCurrency(series)
  const heading = moneyOnPlainAxis ? `${title} (axis in minor units of each currency)` : title
  return (
    <section class="chart-block" data-chart={id}>
      <h2>{heading}</h2>
      {bars ? (
        <StackedBarChart id={`${id}-chart`} title={title} labels={labels} series={series} />
      ) : (
        <LineChart id={`${id}-chart`} title={title} labels={labels} series={series} />
      )}
      <Legend series={series} />
      <details>
        <summary>Table</summary>
        <table tabindex={0} id={`${id}-table`}>
          <thead>
            <tr>
              <th>Period</th>
              {series.map((s) => (
                <th>{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr data-label={label}>
                <td>{label}</td>
                {series.map((s) => (
                  <td data-series={s.name} data-value={String(s.values[i] ?? 0)}>
                    {valueText(s.values[i] ?? 0, s)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}

export function MrrChart({ report }: { report: MetricsReport }) {
  const series = currenciesOf(report, (b) => b.mrr).map((c) => ({
    name: `MRR ${c}`,
    currency: c,
    values: report.series.map((b) => b.mrr[c] ?? 0),
  }))
  return <ChartWithTable id="mrr" title="MRR over time" labels={labelsOf(report)} series={series} />
}

export function MetricsCharts({ report }: { report: MetricsReport }) {
  const labels = labelsOf(report)
  const moveCurrencies = [
    ...new Set(report.series.flatMap((b) => Object.values(b.movements).flatMap((m) => Object.keys(m)))),
  ].sort()
  const movements = moveCurrencies.flatMap((c) =>
    (['new', 'expansion', 'reactivation', 'contraction', 'churned'] as const).map((kind) => ({
      name: `${kind} ${c}`,
      currency: c,
      values: report.series.map(
        (b) => (kind === 'contraction' || kind === 'churned' ? -1 : 1) * (b.movements[kind][c] ?? 0),
      ),
    })),
  )
  const revenue = currenciesOf(report, (b) => b.gross).map((c) => ({
    name: `gross ${c}`,
    currency: c,
    values: report.series.map((b) => b.gross[c] ?? 0),
  }))
  const people = [
    { name: 'active subscribers', values: report.series.map((b) => b.activeSubscribers) },
    { name: 'trialing', values: report.series.map((b) => b.trialing) },
  ]
  return (
    <>
      <MrrChart report={report} />
      <ChartWithTable id="movements" title="MRR movements" labels={labels} series={movements} bars />
      <ChartWithTable
        id="revenue"
        title={`Revenue per ${report.interval}`}
        labels={labels}
        series={revenue}
        bars
      />
      <ChartWithTable id="subscribers" title="Subscribers and trials" labels={labels} series={people} />
    </>
  )
}

/** The series as CSV: one line per period and currency. */
export function metricsCsv(report: MetricsReport): string {
  const header =
    'period_start,period_end,currency,mrr,new,expansion,reactivation,contraction,churned,gross,refunds,active_subscribers,trialing'
  const lines = [header]
  for (const b of report.series) {
    const currencies = new Set([
      ...Object.keys(b.mrr),
      ...Object.keys(b.gross),
      ...Object.keys(b.refunds),
      ...Object.values(b.movements).flatMap((m) => Object.keys(m)),
    ])
    for (const c of currencies.size > 0 ? [...currencies].sort() : ['']) {
      const m = b.movements
      lines.push(
        [
          b.start,
          b.end,
          c,
          b.mrr[c] ?? 0,
          m.new[c] ?? 0,
          m.expansion[c] ?? 0,
          m.reactivation[c] ?? 0,
          m.contraction[c] ?? 0,
          m.churned[c] ?? 0,
          b.gross[c] ?? 0,
          b.refunds[c] ?? 0,
          b.activeSubscribers,
          b.trialing,
        ].join(','),
      )
    }
  }
  return `${lines.join('\n')}\n`
}
