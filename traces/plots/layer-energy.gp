# layer-energy.gp - a run's layers: energy per image stacked by hardware component (top)
# and latency per image (bottom).  Template of `neuspin plot` (traces/plots); edit it
# freely and redraw with:   gnuplot -c layer-energy.gp
#
# Reads, in this directory:
#   layer-energy.labels  one tab-separated line: title, subtitle, energy label, latency
#                        label, components shown (space-separated), their colours
#   layer-energy.dat     a row per layer: name, latency, then the energy of each shown
#                        component (in the labels' order)
# Text from the data is shown as it is (noenhanced): names are data, never code.
set encoding utf8
set datafile separator '\t'
TITLE = ''; SUB = ''; EL = ''; TL = ''; COMPS = ''; COLS = ''; NL = 1
stats 'layer-energy.labels' using (TITLE = strcol(1), SUB = strcol(2), EL = strcol(3), \
      TL = strcol(4), COMPS = strcol(5), COLS = strcol(6), 0) nooutput
stats 'layer-energy.dat' using 2 nooutput
NL = STATS_records
NC = words(COMPS)

set border lw 1.2 lc rgb '#444444'
set grid back lc rgb '#dddddd' lw 1
set tics textcolor rgb '#222222'
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border rgb '#333333'
set boxwidth 0.75
set yrange [0:*]
set grid noxtics ytics
set xtics noenhanced
if (NL > 8) { set xtics rotate by -45 left }
set key outside right top vertical title 'component' noopaque nobox noenhanced
W = NL > 12 ? 1200 : 960

do for [term = 1:2] {
  if (term == 1) {
    set terminal svg size W,760 dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'layer-energy.svg'
  } else {
    set terminal pngcairo size W * 4 / 3,1013 noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'layer-energy.png'
  }
  set multiplot layout 2,1 title TITLE . "\n" . SUB font ',14' noenhanced
  set ylabel EL noenhanced
  set xlabel ''
  set key
  if (NC > 0) {
    plot for [i = 1:NC] 'layer-energy.dat' using (column(i + 2)):xtic(1) \
         title word(COMPS, i) lc rgb word(COLS, i)
  } else {
    plot 'layer-energy.dat' using (0):xtic(1) notitle
  }
  set ylabel TL noenhanced
  set xlabel 'layer'
  set key title ''
  plot 'layer-energy.dat' using 2:xtic(1) title 'latency' lc rgb '#555555'
  unset multiplot
  set key title 'component'
  unset output
}
