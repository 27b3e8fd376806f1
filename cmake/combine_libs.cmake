# combine_libs.cmake - cmake -DAR=<ar> -DOUT=<archive> -DLIBS=<a;b;...> -P combine_libs.cmake
# Writes one static archive holding every member of LIBS (GNU ar's MRI script: members
# with the same name in different archives are all kept, unlike `ar x`).
set(script "create ${OUT}.tmp\n")
foreach(l ${LIBS})
  string(APPEND script "addlib ${l}\n")
endforeach()
string(APPEND script "save\nend\n")
file(WRITE ${OUT}.mri "${script}")
execute_process(COMMAND ${AR} -M INPUT_FILE ${OUT}.mri RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "combine_libs: ${AR} -M failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
