# Warnings for Tsunagi's own targets; -Werror when TSUNAGI_WERROR is on (CI).
function(tsunagi_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough -Wno-unknown-pragmas)
  if(TSUNAGI_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
