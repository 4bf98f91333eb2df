// The values that name things in a table: a class label, and a user or item id.

/** A class label: a number, a string or a boolean (compared as given: 1 and "1" differ). */
export type Label = number | string | boolean;

/** A user or item id of a rating: a number or a string. */
export type Id = number | string;
