/* The VM front end of the test repository: it links the VM core and asks it for the
 * interpreter proxy, which is all the tests need of a VM. */

#include <stdio.h>
#include <string.h>

#include "sqVirtualMachine.h"

#ifndef VM_VERSION
# define VM_VERSION "unknown"
#endif

int main(int argc, char **argv)
{
	struct VirtualMachine *vm = sqGetInterpreterProxy();

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("Pharo VM %s (test repository)\n", VM_VERSION);
		return 0;
	}
	printf("Pharo VM %s, interpreter proxy %ld.%ld\n", VM_VERSION,
		(long) vm->majorVersion(), (long) vm->minorVersion());
	return 0;
}
