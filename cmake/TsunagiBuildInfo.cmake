# The git revision is regenerated at every build (not only at configure time), so the revision
# recorded in output files is the one actually built.
find_package(Git QUIET)
set(TSUNAGI_GIT_REVISION_CPP "${PROJECT_BINARY_DIR}/generated/git_revision.cpp")
add_custom_target(tsunagi_git_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DGIT_EXECUTABLE=${GIT_EXECUTABLE}
          -DOUT=${TSUNAGI_GIT_REVISION_CPP} -P ${PROJECT_SOURCE_DIR}/cmake/GitRevision.cmake
  BYPRODUCTS ${TSUNAGI_GIT_REVISION_CPP}
  COMMENT "Recording git revision"
  VERBATIM)
