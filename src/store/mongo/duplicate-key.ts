/** MongoDB's (and FerretDB's) server error code of a write refused by a unique index. */
export const DUPLICATE_KEY = 11000;
