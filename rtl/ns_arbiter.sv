// ns_arbiter.sv - the arbiter of one shared resource (docs/timing.md, "Blocks and resources").
// Combinational: `gnt` is one-hot (or zero) over `req`, meaningful when the resource is free
// at the decision phase.  Static priority: the lowest requesting layer wins.  Age order
// (`age`): the requester working on the oldest MC pass wins, the lowest layer among equals.
module ns_arbiter #(parameter int N = 32) (
    input  logic          age,
    input  logic [N-1:0]  req,
    input  logic [31:0]   pass [N], // the MC pass each requester works on
    output logic [N-1:0]  gnt
);
  logic [31:0] best; // the winner's pass so far
  always_comb begin
    gnt  = '0;
    best = '1;
    for (int i = 0; i < N; i++)
      if (req[i] && (gnt == '0 || (age && pass[i] < best))) begin
        gnt     = '0;
        gnt[i]  = 1'b1;
        best    = pass[i];
      end
  end
endmodule
