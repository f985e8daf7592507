// A uPlot line chart. uPlot draws on a canvas and sets element styles through the DOM (which a
// style-src 'self' policy allows); its stylesheet is bundled into app.css. The numbers are also
// given as text (the caption) for screen readers and for anyone who prefers them.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface Series {
  label: string
  color: string
}

export function LineChart(props: {
  title: string
  /** x in unix seconds, then one array per series */
  data: [number[], ...Array<Array<number | null>>]
  series: Series[]
  summary: string
  yLabel: string
}) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | undefined>(undefined)
  useEffect(() => {
    const el = box.current
    if (el === null) return
    const opts: uPlot.Options = {
      width: Math.max(280, Math.min(720, el.clientWidth || 640)),
      height: 220,
      title: props.title,
      scales: {
        // one point (or none) would make uPlot span years: show the last few minutes around it instead
        x: { time: true, range: (_u, min, max) => (max - min < 60 ? [min - 240, max + 60] : [min, max]) },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] },
      },
      axes: [{ stroke: '#1f2933' }, { stroke: '#1f2933', label: props.yLabel }],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true } }))],
    }
    plot.current = new uPlot(opts, props.data as uPlot.AlignedData, el)
    return () => {
      plot.current?.destroy()
      plot.current = undefined
    }
  }, [props.series.length])
  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData)
  }, [props.data])
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`${props.title}: ${props.summary}`} />
      <figcaption>{props.summary}</figcaption>
    </figure>
  )
}
