// Subgraphs (ComfyUI's frontend saves them under `definitions.subgraphs`) as node types: litegraph creates a Subgraph
// for each definition it loads and then asks for a node of the subgraph's id for every instance, so each one is
// registered as a SubgraphNode class then. Re-registering on every load keeps the class bound to the live Subgraph.
import { LiteGraph, SubgraphNode, type ExportedSubgraphInstance, type LGraph } from '@comfyorg/litegraph';
import { drawNotes } from './comfy-node.ts';
import { errorOutline, runningOutline } from './execution-state.ts';

export function registerSubgraphTypes(graph: LGraph): void {
  graph.events.addEventListener('subgraph-created', (event) => {
    const { subgraph } = event.detail;
    const blank = { id: -1, type: subgraph.id, mode: 0, flags: {}, order: 0, pos: [0, 0], size: [200, 60] } as unknown as ExportedSubgraphInstance;
    class Instance extends SubgraphNode {
      static override title = subgraph.name;
      constructor() {
        super(graph, subgraph, blank);
        // Outlined while one of its nodes runs or has errors (recorded under the instance's id too).
        this.strokeStyles.running = runningOutline;
        this.strokeStyles.validation = errorOutline;
      }

      override onDrawForeground(ctx: CanvasRenderingContext2D): void {
        drawNotes(this, ctx);
      }
    }
    LiteGraph.registerNodeType(subgraph.id, Instance);
  });
}
