// The benchmark's plots: one line per configuration, its test accuracy over rounds averaged over the seeds.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSvg, trainingCurveChart } from '@hearth/plot';

/** Draws `lines` ({ label, meanCurve }) with libs/plot's chart helper and renderer into `docs/file`. */
export async function curveSvg({ docs, file, title, lines }) {
  const points = lines.flatMap((line) => line.meanCurve.map((p) => ({ site: line.label, step: p.round, value: p.accuracy })));
  const chart = trainingCurveChart({ key: 'test accuracy', points });
  const spec = {
    ...chart.spec,
    title,
    encoding: {
      ...chart.spec.encoding,
      x: { field: 'step', type: 'quantitative', title: 'round', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: 'test accuracy of the global model (seed mean)', scale: { zero: false } },
      color: { field: 'site', type: 'nominal', title: 'run', legend: { labelLimit: 400 } },
    },
  };
  await writeFile(join(docs, file), await renderSvg(spec));
}
