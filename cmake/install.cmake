# install(): what `cmake --install` puts under the prefix (docs/integration.md):
#   lib/libneuspin_core.a      the C core: models, arch, workloads, traces, sim_core in one
#                              archive (combine_libs.cmake, GNU ar's MRI script)
#   lib/libneuspin_tlm.a       the SystemC/TLM-2.0 model library (sim/tlm; with SystemC only)
#   include/neuspin/           public headers only: the models' API (models/*.h but the
#                              *_int.h, models/base/*.h), sim/tlm/ns_tlm.h and
#                              sim/tlm/ns_arbiter.h; none is named
#                              like a system header
#   lib/pkgconfig/neuspin.pc   pkg-config (relocatable: paths from ${pcfiledir})
#   lib/cmake/neuspin/         find_package(neuspin): targets neuspin::core, neuspin::tlm
# Paths are fixed to lib/ and include/ so the .pc and the package config can find the tree
# from their own location wherever `cmake --install --prefix` puts it.
set(NS_CORE_LIBS sim_core workloads arch traces models)
set(NS_CORE_ARCHIVE ${CMAKE_BINARY_DIR}/libneuspin_core.a)
set(NS_CORE_FILES)
foreach(l ${NS_CORE_LIBS})
  list(APPEND NS_CORE_FILES $<TARGET_FILE:${l}>)
endforeach()
add_custom_command(
  OUTPUT ${NS_CORE_ARCHIVE}
  COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DOUT=${NS_CORE_ARCHIVE} "-DLIBS=${NS_CORE_FILES}"
          -P ${CMAKE_SOURCE_DIR}/cmake/combine_libs.cmake
  DEPENDS ${NS_CORE_LIBS} ${CMAKE_SOURCE_DIR}/cmake/combine_libs.cmake
  COMMENT "Combining the core libraries into libneuspin_core.a"
  VERBATIM)
add_custom_target(neuspin_core_archive ALL DEPENDS ${NS_CORE_ARCHIVE})

install(FILES ${NS_CORE_ARCHIVE} DESTINATION lib)
file(GLOB NS_MODEL_HEADERS ${CMAKE_SOURCE_DIR}/models/*.h)
list(FILTER NS_MODEL_HEADERS EXCLUDE REGEX "_int\\.h$")
install(FILES ${NS_MODEL_HEADERS} DESTINATION include/neuspin)
file(GLOB NS_BASE_HEADERS ${CMAKE_SOURCE_DIR}/models/base/*.h)
install(FILES ${NS_BASE_HEADERS} DESTINATION include/neuspin/base)

# The core's external libraries (static archives need them at the final link).
set(NS_PC_REQUIRES "yaml-0.1 jansson libprotobuf-c zlib")
set(NS_PC_LIBS "-lneuspin_core -lm")
set(NS_CMAKE_WITH_TLM 0)
if(NEUSPIN_WITH_SYSTEMC)
  install(FILES $<TARGET_FILE:neuspin_tlm> DESTINATION lib)
  install(FILES ${CMAKE_SOURCE_DIR}/sim/tlm/ns_tlm.h ${CMAKE_SOURCE_DIR}/sim/tlm/ns_arbiter.h
          DESTINATION include/neuspin)
  set(NS_PC_REQUIRES "systemc tlm ${NS_PC_REQUIRES}")
  set(NS_PC_LIBS "-lneuspin_tlm ${NS_PC_LIBS}")
  set(NS_CMAKE_WITH_TLM 1)
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/neuspin.pc.in ${CMAKE_BINARY_DIR}/neuspin.pc @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/neuspinConfig.cmake.in
               ${CMAKE_BINARY_DIR}/neuspinConfig.cmake @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/neuspinConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/neuspin.pc DESTINATION lib/pkgconfig)
install(FILES ${CMAKE_BINARY_DIR}/neuspinConfig.cmake
              ${CMAKE_BINARY_DIR}/neuspinConfigVersion.cmake DESTINATION lib/cmake/neuspin)
