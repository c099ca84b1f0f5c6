import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { html } from 'htm/preact';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** A Chart.js chart that follows its configuration; animations off so screenshots and tests see the final frame. */
export function ChartView({
  config,
  label,
  height = 220,
}: {
  config: ChartConfiguration;
  label: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    chart.current = new Chart(canvas.current, {
      ...config,
      options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options },
    });
    return () => chart.current?.destroy();
  }, [JSON.stringify(config)]);
  return html`<div class="chart" style=${{ height: `${height}px` }}>
    <canvas ref=${canvas} role="img" aria-label=${label}></canvas>
  </div>`;
}

export const PALETTE = {
  critical: '#b42318',
  high: '#dc6803',
  medium: '#ca8504',
  low: '#1570ef',
  ok: '#079455',
  muted: '#98a2b3',
  line: '#444ce7',
};
