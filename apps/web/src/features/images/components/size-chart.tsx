import type { SizePoint } from '@slipway/api-contract';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TooltipContentProps } from 'recharts';
import { formatAbsoluteTime, formatBytes, formatShortDate, shortDigest } from '@/lib/format';

interface ChartRow {
  time: number;
  size: number;
  /** null where no budget was in force, so the budget line breaks there. */
  budget: number | null;
  point: SizePoint;
}

export interface SizeChartProps {
  points: readonly SizePoint[];
  /** Fixed dimensions (tests); without them the chart fills its container's width. */
  width?: number;
  height?: number;
}

/**
 * An image's size over time (one dot per build) with the budget in force drawn as a dashed
 * step line. Recharts draws the SVG; this module is loaded lazily, so only image pages pay for it.
 */
export function SizeChart({ points, width, height = 260 }: SizeChartProps) {
  const rows: ChartRow[] = points.map((point) => ({
    time: Date.parse(point.recordedAt),
    size: point.sizeBytes,
    budget: point.budgetBytes ?? null,
    point,
  }));
  const hasBudget = rows.some((row) => row.budget !== null);
  const top = Math.max(...rows.map((row) => Math.max(row.size, row.budget ?? 0)));
  return (
    <LineChart
      className="size-chart"
      data={rows}
      {...(width === undefined ? { responsive: true, style: { width: '100%', height } } : { width, height })}
      margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
    >
      <CartesianGrid stroke="var(--line)" vertical={false} />
      <XAxis
        dataKey="time"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={(time: number) => formatShortDate(new Date(time).toISOString())}
        minTickGap={24}
      />
      <YAxis
        domain={[0, Math.ceil(top * 1.1)]}
        tickFormatter={(bytes: number) => formatBytes(bytes)}
        width={64}
      />
      <Tooltip content={SizeTooltip} />
      <Legend />
      <Line
        className="size-line"
        name="Size"
        dataKey="size"
        stroke="var(--accent)"
        strokeWidth={2}
        dot={{ r: 3 }}
        isAnimationActive={false}
      />
      {hasBudget && (
        <Line
          className="budget-line"
          name="Budget"
          dataKey="budget"
          type="stepAfter"
          stroke="var(--over-fg)"
          strokeDasharray="6 4"
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      )}
    </LineChart>
  );
}

function SizeTooltip({ active, payload }: TooltipContentProps) {
  const row = payload?.[0]?.payload as ChartRow | undefined;
  if (!active || !row) return null;
  const { point } = row;
  return (
    <div className="chart-tooltip">
      <p>{formatAbsoluteTime(point.recordedAt)}</p>
      <p>
        <strong>{formatBytes(point.sizeBytes)}</strong>
        {point.budgetBytes != null && ` of ${formatBytes(point.budgetBytes)} budget`}
      </p>
      <p>
        {point.outcome} · <code>{shortDigest(point.digest)}</code>
      </p>
    </div>
  );
}
