/* The platform half of the FilePlugin: kept in the repository, compiled with the
 * generated FilePlugin.c. */

#include "FilePlugin.h"

static int initialised;

sqInt sqFileInit(void)
{
	initialised = 1;
	return 1;
}

sqInt sqFileShutdown(void)
{
	initialised = 0;
	return 1;
}
