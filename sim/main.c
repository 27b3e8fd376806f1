/* main.c - neuspin's entry point in a build without SystemC (main.cpp with it). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
