/* SurfacePlugin.h: the surface registry shared with the plugins that draw
 * (hand-written; the generated SurfacePlugin.c includes it). */

#ifndef SURFACE_PLUGIN_H
#define SURFACE_PLUGIN_H

typedef struct sqSurfaceDispatch {
	int majorVersion;
	int minorVersion;
	int (*getSurfaceFormat)(void *handle, int *width, int *height, int *depth, int *isMSB);
	void *(*lockSurface)(void *handle, int *pitch, int x, int y, int w, int h);
	int (*unlockSurface)(void *handle, int x, int y, int w, int h);
	int (*showSurface)(void *handle, int x, int y, int w, int h);
} sqSurfaceDispatch;

#endif /* SURFACE_PLUGIN_H */
