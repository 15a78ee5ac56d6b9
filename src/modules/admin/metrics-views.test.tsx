import { describe, expect, it } from 'vitest'
import { renderHtml } from '../../web/render.js'
import type { Bucket, MetricsReport } from './metrics.js'
import { MetricsCharts } from './metrics-views.js'

const none = { new: {}, expansion: {}, reactivation: {}, contraction: {}, churned: {} }

function bucket(day: string, mrr: Record<string, number>): Bucket {
  return {
    start: day,
    end: day,
    mrr,
    movements: none,
    gross: {},
    refunds: {},
    activeSubscribers: 1,
    trialing: 0,
  }
}

function chartsOf(series: Bucket[]): string {
  const report = { interval: 'day', series } as unknown as MetricsReport
  return String(renderHtml(<MetricsCharts report={report} />))
}

describe('metrics charts', () => {
  it('speak money in one currency: axis, table and point titles', () => {
    const html = chartsOf([bucket('2026-12-01', { usd: 0 }), bucket('2026-12-02', { usd: 2167 })])
    expect(html).toContain('<h2>MRR over time</h2>')
    expect(html).toContain('>$21.67</text>')
    expect(html).toMatch(/<td data-series="MRR usd" data-value="2167">\s*\$21\.67\s*<\/td>/)
    expect(html).toContain('MRR usd 2026-12-02: $21.67')
  })

  it('say the axis is in minor units when currencies share it, each cell still in its own money', () => {
    const html = chartsOf([bucket('2026-12-01', { usd: 900, jpy: 1500 })])
    expect(html).toContain('<h2>MRR over time (axis in minor units of each currency)</h2>')
    expect(html).toContain('>1500</text>')
    expect(html).toMatch(/data-value="1500">\s*¥1,500\s*</)
    expect(html).toMatch(/data-value="900">\s*\$9\.00\s*</)
  })
})
