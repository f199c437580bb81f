import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { GraphBuilder } from './graph-builder.js';
import type { Graph, NodeDef } from './types.js';

function checkSubgraphs(node: NodeDef, parent: GraphBuilder): void {
  for (const value of Object.values(node.attrs)) {
    if (value.kind === 'graph') checkGraph(value.value, { parent });
  }
}

/**
 * Type-checks a whole graph (for instance one parsed from bytes) by replaying it into a builder: every
 * value defined once before use, every node's inputs and attributes fit its op, every declared output
 * produced with its declared dtype. Returns the loaded builder, which can keep extending the graph.
 */
export function checkGraph(graph: Graph, options: { parent?: GraphBuilder } = {}): GraphBuilder {
  const b = new GraphBuilder({ name: graph.name, parent: options.parent });
  for (const input of graph.inputs) b.input(input.name, input);
  for (const [name, value] of graph.initializers) b.initializer(name, value);
  for (const node of graph.nodes) {
    checkSubgraphs(node, b);
    b.addNode(node);
  }
  for (const out of graph.outputs) {
    if (!b.has(out.name)) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `graph "${graph.name}" output "${out.name}" is never produced`, {
        context: { graph: graph.name, value: out.name },
      });
    }
    const actual = b.typeOf(out.name);
    if (actual.dtype !== out.dtype) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `graph output "${out.name}" is declared ${out.dtype} but computes ${actual.dtype}`, {
        context: { graph: graph.name, value: out.name },
      });
    }
    b.output(out.name);
  }
  return b;
}
