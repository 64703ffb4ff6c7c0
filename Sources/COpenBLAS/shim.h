// OpenBLAS (Debian libopenblas-dev). cblas.h is provided through the alternatives system at
// /usr/include/x86_64-linux-gnu/cblas.h; openblas_set_num_threads is declared there too.
#include <cblas.h>
