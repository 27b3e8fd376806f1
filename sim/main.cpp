// main.cpp - neuspin's entry point.  SystemC's library brings a main() that prints a banner
// and calls sc_main; ours replaces it to switch the banner off first (it would precede every
// table and golden output), then enters SystemC the documented way.  Everything else
// (options, loading, running, writing) is in cli.c.
#include <cstdlib>

#include <systemc>

#include "cli.h"

int sc_main(int argc, char **argv)
{
    return cli_main(argc, argv);
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
