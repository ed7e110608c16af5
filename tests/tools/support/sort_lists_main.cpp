// sort-uid-com-lists: stdin to stdout through sort_uid_com_lists(), so that
// shell harnesses compare with the same (documented) normalisation.
#include <iostream>
#include <iterator>

#include "hash_order.hpp"

int main() {
  std::string in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::cout << xebek_test::sort_uid_com_lists(in);
  return std::cout ? 0 : 1;
}
