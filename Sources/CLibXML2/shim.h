#ifndef BILLABLE_CLIBXML2_SHIM_H
#define BILLABLE_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Foundation and libxml2 both bring ICU's UErrorCode; with ICU enabled in libxml2 the two
// definitions clash in any Swift file that sees both modules.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

// Swift 6 rejects C globals such as xmlFree; wrap what we call.
static inline void billable_xml_free(void *pointer) { xmlFree(pointer); }

static inline void billable_xml_silence_errors(void) {
  xmlSetGenericErrorFunc(NULL, NULL);
  xmlSetStructuredErrorFunc(NULL, NULL);
}
#endif
