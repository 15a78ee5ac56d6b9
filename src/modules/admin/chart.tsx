/**
 * Charts drawn on the server as plain SVG (no script, no library): a line chart and a stacked bar
 * chart over labelled points. Each drawn mark carries its label and value in data attributes, so
 * the table beside it and the browser tests can check what is drawn.
 * @module
 */
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { formatMoney } from '../../lib/money.js'
import { escapeHtml } from '../../web/render.js'

/** Values in minor units of `currency` when it is set (shown as money), plain counts otherwise. */
export type ChartSeries = { name: string; values: number[]; currency?: string | undefined }
export type ChartProps = { id: string; title: string; labels: string[]; series: ChartSeries[] }

const WIDTH = 640
const HEIGHT = 220
const PAD = { left: 56, right: 12, top: 12, bottom: 28 }
const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2']

type Scale = { x(i: number): number; y(v: number): number; min: number; max: number; step: number }

/** A value as its series shows it: money in the series' currency, or the plain number. */
export function valueText(v: number, series: Pick<ChartSeries, 'currency'>): string {
  return series.currency ? formatMoney(v, series.currency) : String(v)
}

/** The one currency every series is in, if there is one: several currencies share no unit. */
export function sharedCurrency(series: ChartSeries[]): string | undefined {
  const currencies = new Set(series.map((s) => s.currency))
  const [only] = currencies
  return currencies.size === 1 ? only : undefined
}

/** The axis speaks money when the series share a currency, plain numbers otherwise. */
function axisText(series: ChartSeries[]): (v: number) => string {
  const only = sharedCurrency(series)
  return only ? (v) => formatMoney(v, only) : String
}

function scaleFor(labels: string[], values: number[], bars: boolean): Scale {
  const min = Math.min(0, ...values)
  const max = Math.max(1, ...values)
  const innerW = WIDTH - PAD.left - PAD.right
  const innerH = HEIGHT - PAD.top - PAD.bottom
  const slots = Math.max(1, bars ? labels.length : labels.length - 1)
  const step = innerW / slots
  return {
    x: (i) => PAD.left + (bars ? step * i + step / 2 : step * i),
    y: (v) => PAD.top + innerH - ((v - min) / (max - min)) * innerH,
    min,
    max,
    step,
  }
}

function Axes({ scale, labels, text }: { scale: Scale; labels: string[]; text: (v: number) => string }) {
  const every = Math.max(1, Math.ceil(labels.length / 8))
  return (
    <g class="axes" font-size="10" fill="#555">
      <line x1={PAD.left} x2={WIDTH - PAD.right} y1={scale.y(0)} y2={scale.y(0)} stroke="#999" />
      <text x={PAD.left - 4} y={scale.y(scale.max) + 4} text-anchor="end">
        {text(scale.max)}
      </text>
      <text x={PAD.left - 4} y={scale.y(scale.min) + 4} text-anchor="end">
        {text(scale.min)}
      </text>
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text x={scale.x(i)} y={HEIGHT - 8} text-anchor="middle">
            {label}
          </text>
        ) : null,
      )}
    </g>
  )
}

/** One polyline per series, with a circle per point. */
export function LineChart({ id, title, labels, series }: ChartProps) {
  const scale = scaleFor(
    labels,
    series.flatMap((s) => s.values),
    false,
  )
  return (
    <Svg id={id} title={title}>
      <Axes scale={scale} labels={labels} text={axisText(series)} />
      {series.map((s, si) => (
        <g
          class="series"
          data-series={s.name}
          stroke={COLORS[si % COLORS.length]}
          fill={COLORS[si % COLORS.length]}
        >
          <polyline
            fill="none"
            stroke-width="2"
            points={s.values.map((v, i) => `${scale.x(i).toFixed(1)},${scale.y(v).toFixed(1)}`).join(' ')}
          />
          {s.values.map((v, i) => (
            <circle
              class="point"
              cx={scale.x(i).toFixed(1)}
              cy={scale.y(v).toFixed(1)}
              r="3"
              data-label={labels[i]}
              data-value={String(v)}
            >
              {svgTitle(`${s.name} ${labels[i]}: ${valueText(v, s)}`)}
            </circle>
          ))}
        </g>
      ))}
    </Svg>
  )
}

/** Positive series stack upward, negative ones downward (MRR movements: churn below the axis). */
export function StackedBarChart({ id, title, labels, series }: ChartProps) {
  const ups = labels.map((_, i) => series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0))
  const downs = labels.map((_, i) => series.reduce((sum, s) => sum + Math.min(0, s.values[i] ?? 0), 0))
  const scale = scaleFor(labels, [...ups, ...downs], true)
  const barW = Math.max(2, scale.step * 0.7)
  const bars = labels.flatMap((label, i) => {
    let up = 0
    let down = 0
    return series.map((s, si) => {
      const v = s.values[i] ?? 0
      const base = v >= 0 ? up : down
      if (v >= 0) up += v
      else down += v
      const y1 = scale.y(base)
      const y2 = scale.y(base + v)
      return (
        <rect
          class="bar"
          x={(scale.x(i) - barW / 2).toFixed(1)}
          y={Math.min(y1, y2).toFixed(1)}
          width={barW.toFixed(1)}
          height={Math.abs(y2 - y1).toFixed(1)}
          fill={COLORS[si % COLORS.length]}
          data-series={s.name}
          data-label={label}
          data-value={String(v)}
        >
          {svgTitle(`${s.name} ${label}: ${valueText(v, s)}`)}
        </rect>
      )
    })
  })
  return (
    <Svg id={id} title={title}>
      <Axes scale={scale} labels={labels} text={axisText(series)} />
      {bars}
    </Svg>
  )
}

/**
 * The chart's `<svg>` and `<title>`s as markup around JSX children: hono/jsx renders those two
 * elements through contexts of its own (see web/render.ts).
 */
function Svg({ id, title, children }: { id: string; title: string; children?: Child }) {
  return (
    <>
      {raw(
        `<svg id="${escapeHtml(id)}" class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%">`,
      )}
      {svgTitle(title)}
      {children}
      {raw('</svg>')}
    </>
  )
}

function svgTitle(text: string): ReturnType<typeof raw> {
  return raw(`<title>${escapeHtml(text)}</title>`)
}

/** Only the swatch takes the series' colour: some are too light for text on the page's background. */
export function Legend({ series }: { series: ChartSeries[] }) {
  return (
    <p class="legend">
      {series.map((s, i) => (
        <span>
          <span style={`color:${COLORS[i % COLORS.length]}`} aria-hidden="true">
            ■
          </span>{' '}
          {s.name}{' '}
        </span>
      ))}
    </p>
  )
}
