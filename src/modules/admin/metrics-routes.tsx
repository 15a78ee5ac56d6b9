/** `GET /admin/metrics` (charts and tables) and `GET /admin/metrics.csv`, for a range and interval. */
import { Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { renderPage } from '../../web/layout.js'
import { buildMetricsReport, INTERVALS } from './metrics.js'
import { Headline, MetricsCharts, metricsCsv } from './metrics-views.js'
import { parseRange, rangeLabels } from './range.js'
import { AdminFrame } from './views.js'

export const metricsRoutes = new Hono<AppEnv>()
  .get('/admin/metrics', async (c) => {
    const deps = c.get('deps')
    const query = parseRange(c.req.query(), deps.clock.now())
    const report = await buildMetricsReport(deps.db, query)
    const labels = rangeLabels(query)
    const csv = `/admin/metrics.csv?${new URLSearchParams({ ...labels, interval: query.interval }).toString()}`
    return renderPage(
      c,
      { title: 'Metrics' },
      <AdminFrame title="Metrics">
        <form method="get" action="/admin/metrics" class="filters">
          <label>
            From <input type="date" name="from" value={labels.from} />
          </label>
          <label>
            To <input type="date" name="to" value={labels.to} />
          </label>
          <label>
            By{' '}
            <select name="interval">
              {INTERVALS.map((i) => (
                <option value={i} selected={i === query.interval}>
                  {i}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button> <a href={csv}>CSV</a>
        </form>
        <Headline report={report} />
        <MetricsCharts report={report} />
      </AdminFrame>,
    )
  })
  .get('/admin/metrics.csv', async (c) => {
    const deps = c.get('deps')
    const report = await buildMetricsReport(deps.db, parseRange(c.req.query(), deps.clock.now()))
    c.header('Content-Disposition', 'attachment; filename="metrics.csv"')
    return c.body(metricsCsv(report), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })
