"""The cart's quantity rules, importable without the ORM: the services enforce them and the
storefront's forms (through the client, which re-exports them) check them first; breaking one is
errors.InvalidQuantity."""

# One add (a form post, an AddItem call) puts 1 to 10 of a product in the cart, like the
# original's quantity selector.
MAX_ADD_QUANTITY = 10
# A line may grow by repeated adds up to this; beyond it is a wholesale order, not a cart, and a
# bound keeps totals far from any overflow on the int32 wire.
MAX_LINE_QUANTITY = 99
