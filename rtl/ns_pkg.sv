// ns_pkg.sv - shared definitions of the neuspin timing reference (docs/timing.md).
//
// The reference is written from docs/timing.md, not from the C/C++ simulator.  Time is
// counted in architecture cycles (cyc); inside one cycle a fast controller clock runs the
// zero-time work (a step ending, a row finishing, a waiting layer going on) until every
// controller has settled, then the arbiters decide (the "t + 0.5" of the document), then
// the cycle ends (every hold counter counts one edge).
//
//   phase:  RUN ... RUN (until settled)  DECIDE  TICK   | next cycle
package ns_pkg;
  localparam int NL = 32; // layers (controllers) at most; the stream's layer field has 6 bits

  typedef enum logic [1:0] { PH_RUN = 2'd0, PH_DECIDE = 2'd1, PH_TICK = 2'd2 } phase_t;

  // Resources, numbered as in the operation program (workloads/wl_prog.h's wl_res_t).
  // 3 tiles, 4 dropout modules, 5 SpinBayes arbiter: the layer's own, never arbitrated
  localparam int R_GBUF = 0, R_PERIPH = 1, R_SCALE = 2;
  localparam int NSHARED = 3;

  // Instruction word of a layer's operation stream (64 bits):
  //   [63:60] op
  //   WAIT:    [59:54] layer a, [53:32] pass p, [31:0] rows r: go on when layer a has done
  //            pass p's first r rows (or a later pass)
  //   STEP:    [59:57] resource, [56] overlap (runs beside the next step), [55] write,
  //            [31:0] bits (global path) or cycles (every other resource)
  //   ROWDONE: [31:0] rows per pass (the pass ends when it is reached)
  //   SKIP:    a pass of a reused prefix layer: nothing runs
  //   PASS:    (pipelined schedule) a pass begins: go on when the last layer is at most
  //            max_ahead passes behind (0: any) and the passes in flight, this one included,
  //            fit in the global buffer beside the held prefix (back-pressure)
  localparam logic [3:0] OP_END = 4'd0, OP_WAIT = 4'd1, OP_STEP = 4'd2, OP_ROWDONE = 4'd3,
                         OP_SKIP = 4'd4, OP_PASS = 4'd5;
endpackage
