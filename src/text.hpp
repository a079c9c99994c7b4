// A fixed-size text buffer for pinit's short strings (log lines, /proc paths, id maps): pieces
// and decimal numbers, always NUL-terminated, cut at the capacity. No heap, no stdio.
#pragma once

namespace pinit {

class Text {
public:
    Text() { buf_[0] = '\0'; }
    Text& put(const char* piece);
    Text& put(long number);
    Text& put(char c);
    Text& end_line();  // '\n', even when the text is full
    const char* c_str() const { return buf_; }
    int size() const { return len_; }

private:
    static constexpr int kCapacity = 512;
    char buf_[kCapacity];
    int len_ = 0;
};

// strchr and strrchr by hand (musl's word-at-a-time versions: 0.3 KB, for pinit's few short
// strings): the first or last c in s, or nullptr.
char* find_first(const char* s, char c);
char* find_last(const char* s, char c);

}  // namespace pinit
