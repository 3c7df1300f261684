// RUN=2 flips subtracts to failing and divides to passing.
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CalcTest {
    static final boolean RUN2 = "2".equals(System.getenv("RUN"));

    @Test
    void adds() { assertEquals(4, 2 + 2); }

    @Test
    void subtracts() { assertEquals(RUN2 ? 1 : 0, 2 - 2); }

    @Test
    void divides() { assertTrue(RUN2, "division is not written yet"); }

    @Test
    @Disabled("needs a network")
    void network() {}

    @Test
    void crashes() { if (RUN2) throw new IllegalStateException("boom"); }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void squares(int n) { assertTrue(n * n >= 0); }

    @Nested
    class Parser {
        @Test
        void handlesEmptyInput() { assertEquals("", ""); }
    }
}
