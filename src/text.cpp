#include "text.hpp"

namespace pinit {

Text& Text::put(char c) {
    if (len_ < kCapacity - 2) buf_[len_++] = c;  // room left for a final '\n' and the NUL
    buf_[len_] = '\0';
    return *this;
}

Text& Text::end_line() {
    buf_[len_++] = '\n';
    buf_[len_] = '\0';
    return *this;
}

Text& Text::put(const char* piece) {
    while (*piece != '\0') put(*piece++);
    return *this;
}

Text& Text::put(long number) {
    char digits[24];
    int i = 0;
    unsigned long magnitude = number < 0 ? 0UL - static_cast<unsigned long>(number) : number;
    do digits[i++] = static_cast<char>('0' + magnitude % 10);
    while ((magnitude /= 10) != 0);
    if (number < 0) put('-');
    while (i > 0) put(digits[--i]);
    return *this;
}

char* find_first(const char* s, char c) {
    for (;; ++s) {
        if (*s == c) return const_cast<char*>(s);
        if (*s == '\0') return nullptr;
    }
}

char* find_last(const char* s, char c) {
    const char* last = nullptr;
    for (; *s != '\0'; ++s)
        if (*s == c) last = s;
    return const_cast<char*>(last);
}

}  // namespace pinit
