import os from 'node:os';

/** What machine a benchmark ran on, for the JSON and the markdown table. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** One markdown line naming the machine. */
export function machineLine(m) {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; run ${m.date}.`;
}
