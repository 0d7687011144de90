;; The row operations of the fused NADE pass (runtime/ar/nade-simd.ts) in WebAssembly SIMD, on a memory of the
;; pass's own (V, W, their gradients and the batch state, rows padded to a multiple of 4 floats with zeros).
;; Assembled at build time by scripts/wat.mjs into nade-simd.wasm.ts. Pointers are byte offsets; n counts
;; float32 elements, a multiple of 4. v128 loads and stores say align=1 (no alignment is promised).
(module
  (import "env" "memory" (memory 1))

  ;; axpy(y, x, alpha, n): y[i] += alpha·x[i]
  (func (export "axpy") (param $y i32) (param $x i32) (param $alpha f32) (param $n i32)
    (local $k i32) (local $end i32) (local $a v128)
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (v128.store align=1 (i32.add (local.get $y) (local.get $k))
          (f32x4.add
            (v128.load align=1 (i32.add (local.get $y) (local.get $k)))
            (f32x4.mul (v128.load align=1 (i32.add (local.get $x) (local.get $k))) (local.get $a))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))

  ;; dot(x, y, n) → Σ x[i]·y[i] (four partial sums, added lane 0 + 1 + 2 + 3 at the end)
  (func (export "dot") (param $x i32) (param $y i32) (param $n i32) (result f32)
    (local $k i32) (local $end i32) (local $sum v128)
    (local.set $sum (f32x4.splat (f32.const 0)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $sum
          (f32x4.add (local.get $sum)
            (f32x4.mul
              (v128.load align=1 (i32.add (local.get $x) (local.get $k)))
              (v128.load align=1 (i32.add (local.get $y) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4)))
    (f32.add
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
        (f32x4.extract_lane 2 (local.get $sum)))
      (f32x4.extract_lane 3 (local.get $sum))))

  ;; sigmoidRow(h, a, n): h[i] = 1 / (1 + e^−a[i]), with e^x = 2^i·e^(f·ln 2), |f| ≤ 1/2, by the same degree-7
  ;; Taylor polynomial as nade-fused.ts's sigmoid
  (func (export "sigmoidRow") (param $h i32) (param $a i32) (param $n i32)
    (local $k i32) (local $end i32)
    (local $t v128) (local $y v128) (local $i v128) (local $p v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        ;; y = clamp(−a, ±87)·log₂ e; i = floor(y + 1/2); t = (y − i)·ln 2
        (local.set $y
          (f32x4.mul
            (f32x4.max
              (f32x4.min
                (f32x4.neg (v128.load align=1 (i32.add (local.get $a) (local.get $k))))
                (f32x4.splat (f32.const 87)))
              (f32x4.splat (f32.const -87)))
            (f32x4.splat (f32.const 1.4426950408889634))))
        (local.set $i (f32x4.floor (f32x4.add (local.get $y) (f32x4.splat (f32.const 0.5)))))
        (local.set $t
          (f32x4.mul (f32x4.sub (local.get $y) (local.get $i)) (f32x4.splat (f32.const 0.6931471805599453))))
        ;; p = Σₖ tᵏ/k! for k = 0…7, by Horner from 1/7!
        (local.set $p (f32x4.splat (f32.const 1.984126984126984e-4)))       ;; 1/5040
        (local.set $p
          (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 1.388888888888889e-3))))
        (local.set $p
          (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 8.333333333333333e-3))))
        (local.set $p
          (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 4.1666666666666664e-2))))
        (local.set $p
          (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 0.16666666666666666))))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 0.5))))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 1))))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (f32x4.splat (f32.const 1))))
        ;; h = 1 / (1 + p·2^i), 2^i from its bits: (i + 127) << 23
        (v128.store align=1 (i32.add (local.get $h) (local.get $k))
          (f32x4.div
            (f32x4.splat (f32.const 1))
            (f32x4.add
              (f32x4.splat (f32.const 1))
              (f32x4.mul
                (local.get $p)
                (i32x4.shl
                  (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $i)) (i32x4.splat (i32.const 127)))
                  (i32.const 23))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))

  ;; flushRow(g, acc, h, n): g[i] += acc[i]·h[i]·(1 − h[i]); acc[i] = 0
  (func (export "flushRow") (param $g i32) (param $acc i32) (param $h i32) (param $n i32)
    (local $k i32) (local $end i32) (local $hk v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $hk (v128.load align=1 (i32.add (local.get $h) (local.get $k))))
        (v128.store align=1 (i32.add (local.get $g) (local.get $k))
          (f32x4.add
            (v128.load align=1 (i32.add (local.get $g) (local.get $k)))
            (f32x4.mul
              (f32x4.mul (v128.load align=1 (i32.add (local.get $acc) (local.get $k))) (local.get $hk))
              (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $hk)))))
        (v128.store align=1 (i32.add (local.get $acc) (local.get $k)) (f32x4.splat (f32.const 0)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))
)
