/*
 * The handles that live on a connection (statements, row iterators, collections, cursors): the
 * list pgv_conn_close walks to close them before it frees the connection.
 */
#include "odbc/odbc.h"

/* An empty list: the head points at itself. */
void pgv__conn_children_init(pgv_conn *c)
{
	c->children.prev = c->children.next = &c->children;
}

/* Adds a live handle to the connection's list. */
void pgv__conn_adopt(pgv_conn *c, pgv__child *child, void (*close_fn)(pgv__child *self))
{
	child->close = close_fn;
	child->prev = c->children.prev;
	child->next = &c->children;
	c->children.prev->next = child;
	c->children.prev = child;
}

/* Removes a handle from the connection's list. */
void pgv__conn_release(pgv_conn *c, pgv__child *child)
{
	(void)c;
	child->prev->next = child->next;
	child->next->prev = child->prev;
	child->prev = child->next = NULL;
}

/*
 * Closes every live handle: each frees its own driver handles (a row iterator's statement is a
 * handle of its own) while the connection still exists, and forgets the connection.  Their
 * memory stays the caller's, released by their free calls.
 */
void pgv__conn_close_children(pgv_conn *c)
{
	while (c->children.prev != &c->children) {
		pgv__child *child = c->children.prev;

		pgv__conn_release(c, child);
		child->close(child);
	}
}
