/* LargeIntegers: a plugin whose C is kept in the repository rather than generated
 * (declared with a bare add_vm_plugin(LargeIntegers) in plugins.cmake). */

#include "sqVirtualMachine.h"

static const char *moduleName = "LargeIntegers v2.0 (e)";
static struct VirtualMachine *interpreterProxy;

EXPORT(const char *) getModuleName(void)
{
	return moduleName;
}

EXPORT(sqInt) setInterpreter(struct VirtualMachine *anInterpreter)
{
	interpreterProxy = anInterpreter;
	return interpreterProxy->majorVersion() == VM_PROXY_MAJOR
		&& interpreterProxy->minorVersion() >= VM_PROXY_MINOR;
}

EXPORT(sqInt) primDigitCompare(void)
{
	sqInt first, second;

	if (interpreterProxy == 0) {
		return 0;
	}
	first = interpreterProxy->stackValue(1);
	second = interpreterProxy->stackValue(0);
	if (interpreterProxy->failed()) {
		return 0;
	}
	return interpreterProxy->popthenPushInteger(2, first < second ? -1 : first > second);
}
