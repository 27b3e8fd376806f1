// ns_pkg.sv - shared definitions of the neuspin timing reference (docs/timing.md).
//
// The reference is written from docs/timing.md, not from the C/C++ simulator.  Time is
// counted in architecture cycles (cyc); inside one cycle a fast controller clock runs the
// zero-time work (a step ending, a row finishing, a waiting layer going on, a block's
// sequencer passing from one stage to the next) until every controller and block has
// settled, then the arbiters decide (the "t + 0.5" of the document), then the blocks a grant
// started settle on their first stage, then the cycle ends (every block counts one edge).
//
//   phase:  RUN ... RUN (until settled)  DECIDE  [SETTLE ...]  TICK   | next cycle
package ns_pkg;
  localparam int NL = 32; // layers (controllers) at most; the stream's layer field has 6 bits
  localparam int NTILE = 4; // tile controllers per layer: one per distinct slice shape
  localparam int MAXOPS = 4; // operations of one step at most

  typedef enum logic [1:0] { PH_RUN = 2'd0, PH_DECIDE = 2'd1, PH_TICK = 2'd2, PH_SETTLE = 2'd3 }
      phase_t;

  // Resources, numbered as in the operation program (workloads/wl_prog.h's wl_res_t).
  // 3 tiles, 4 dropout modules, 5 SpinBayes arbiter: the layer's own, never arbitrated
  localparam int R_GBUF = 0, R_PERIPH = 1, R_SCALE = 2, R_TILES = 3, R_DRNG = 4, R_ARB = 5;
  localparam int NSHARED = 3;

  // Operation kinds of a step's operand words (the program's operation names; a block
  // acts on the kinds it serves and reads no other).
  /* verilator lint_off UNUSEDPARAM */
  localparam logic [3:0] K_READ = 4'd0, K_WRITE = 4'd1, K_MVM = 4'd2, K_DRAW = 4'd3,
                         K_EXPAND = 4'd4, K_SELECT = 4'd5, K_REDUCE = 4'd6, K_SCALE = 4'd7,
                         K_NORM = 4'd8, K_ACT = 4'd9, K_SAMPLE = 4'd10, K_POOL = 4'd11,
                         K_ADD = 4'd12;
  /* verilator lint_on UNUSEDPARAM */

  // One operation of a step: its kind, element or bit count n and argument.
  //   READ/WRITE: n bits.  MVM: one slice shape, n columns used, arg rows used.  DRAW: n
  //   word-line pairs per dropout module (share).  EXPAND: nothing (wiring).  SELECT: n
  //   tries (the bits per try come from arbiter.k).  REDUCE: n outputs of arg partial sums.
  //   POOL: n outputs over windows of arg inputs.  SCALE, NORM, ACT, SAMPLE, ADD: n elements.
  typedef struct packed {
    logic [3:0]  kind;
    logic [23:0] arg;
    logic [31:0] n;
  } op_t;
  typedef struct packed {
    logic [2:0]       nops;
    op_t [MAXOPS-1:0] op;
  } desc_t;

  // Instruction word of a layer's operation stream (64 bits):
  //   [63:60] op
  //   WAIT:    [59:54] layer a, [53:32] pass p, [31:0] rows r: go on when layer a has done
  //            pass p's first r rows (or a later pass)
  //   STEP:    [59:57] resource, [56] overlap (runs beside the next step), [55] write,
  //            [54:52] operand words that follow, [31:0] bits (global path)
  //   ARG:     an operand word of the STEP before: [59:56] kind, [55:32] arg, [31:0] n
  //   ROWDONE: [31:0] rows per pass (the pass ends when it is reached)
  //   SKIP:    a pass of a reused prefix layer: nothing runs
  //   PASS:    (pipelined schedule) a pass begins: go on when the last layer is at most
  //            max_ahead passes behind (0: any) and the passes in flight, this one included,
  //            fit in the global buffer beside the held prefix (back-pressure)
  localparam logic [3:0] OP_END = 4'd0, OP_WAIT = 4'd1, OP_STEP = 4'd2, OP_ROWDONE = 4'd3,
                         OP_SKIP = 4'd4, OP_PASS = 4'd5, OP_ARG = 4'd6;
  // A block's stage ends at its last cycle: with `left` cycles still to count, on the TICK
  // edge that counts the last one (left == 1), or at once when none is left (a stage that
  // takes no cycle, or one just chosen).  Every block sequencer advances on this.
  function automatic logic stage_ends(logic tick, logic [31:0] left);
    return tick ? left == 1 : left == 0;
  endfunction
endpackage
