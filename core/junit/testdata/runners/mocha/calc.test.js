// RUN=2 flips "calc subtracts" to failing and "calc divides" to passing.
const run2 = process.env.RUN === '2';
describe('calc', () => {
  it('adds', () => { require("assert").strictEqual(2 + 2, 4); });
  it('subtracts', () => { require("assert").strictEqual(2 - 2, run2 ? 1 : 0); });
  it('divides', () => { require("assert").strictEqual(run2, true); });
  it.skip('multiplies', () => {});
  it("rounds");
  describe('parser', () => {
    it('handles empty input', () => { require("assert").strictEqual('', ''); });
  });
});
describe('formatter', () => {
  it('handles empty input', () => { require("assert").strictEqual(' '.trim(), ''); });
});
