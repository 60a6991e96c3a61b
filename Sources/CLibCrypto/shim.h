#ifndef BILLABLE_CLIBCRYPTO_SHIM_H
#define BILLABLE_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
