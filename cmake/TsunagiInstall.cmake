include(CMakePackageConfigHelpers)
install(TARGETS tsunagi_sim tsunagi_hazard tsunagi_damage tsunagi_evacuation tsunagi_lifelines
  tsunagi_shelters tsunagi_logistics
  tsunagi_models
  EXPORT tsunagiTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tsunagi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY sim/include/ models/hazard/include/ models/damage/include/
  models/evacuation/include/ models/lifelines/include/ models/shelters/include/
  models/logistics/include/ models/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT tsunagiTargets NAMESPACE tsunagi:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tsunagi)
configure_package_config_file(cmake/tsunagiConfig.cmake.in
  "${PROJECT_BINARY_DIR}/tsunagiConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tsunagi)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/tsunagiConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/tsunagiConfig.cmake" "${PROJECT_BINARY_DIR}/tsunagiConfigVersion.cmake"
  cmake/FindRandom123.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tsunagi)
