// ns_hold.sv - a shared block whose operation lasts the cycles its step names (the digital
// periphery's lanes, the scale buffer port): a down-counter loaded at the grant, at least
// one cycle, counted edge by edge.
module ns_hold (
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic        tick,
    input  logic [31:0] cycles,
    output logic        busy
);
  logic [31:0] left;
  assign busy = left != 0;
  always_ff @(posedge clk) begin
    if (rst) left <= 0;
    else if (start) left <= cycles == 0 ? 1 : cycles;
    else if (tick && left != 0) left <= left - 1;
  end
endmodule
