/* FilePlugin.h: the platform side of the FilePlugin (hand-written; the generated
 * FilePlugin.c includes it). */

#ifndef FILE_PLUGIN_H
#define FILE_PLUGIN_H

#include "sqVirtualMachine.h"

typedef struct {
	int sessionID;
	void *file;
	sqInt writable;
	sqInt lastOp;
} SQFile;

sqInt sqFileInit(void);
sqInt sqFileShutdown(void);

#endif /* FILE_PLUGIN_H */
