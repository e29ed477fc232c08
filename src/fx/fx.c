/*
 * fx: the registry of effect units and lookups over their parameter
 * tables.
 */
#include <string.h>
#include "fx.h"

#define FX_TYPE_PTR(e, v) [e] = &v,
static const fx_ops_t *const registry[FX_TYPE_COUNT] = { FX_TYPE_LIST(FX_TYPE_PTR) };
#undef FX_TYPE_PTR

const fx_ops_t *fx_ops(fx_type_t type)
{
	return type >= 0 && type < FX_TYPE_COUNT ? registry[type] : NULL;
}

int fx_type_by_name(const char *name)
{
	for (int i = 0; i < FX_TYPE_COUNT; i++)
		if (!strcmp(registry[i]->name, name))
			return i;
	return -1;
}

int fx_param_index(const fx_ops_t *ops, const char *name)
{
	for (int i = 0; i < ops->nparams; i++)
		if (!strcmp(ops->params[i].name, name))
			return i;
	return -1;
}

void fx_defaults(const fx_ops_t *ops, float *params)
{
	for (int i = 0; i < FX_MAX_PARAMS; i++)
		params[i] = i < ops->nparams ? ops->params[i].def : 0.0f;
}
