/*
 * Prints the band-limited step residual table used by the synth
 * oscillators.  The kernel is a Kaiser-windowed sinc; its running integral
 * minus the ideal unit step is fitted, one unit-sample segment at a time,
 * by a polynomial in the fractional offset of the step.  Only the half
 * after the step is printed: the residual is odd-symmetric.  The table is
 * printed coefficient by coefficient, each row holding that coefficient
 * of every segment, so the synth evaluates all segments at once.
 *
 * usage: blepgen [half-width cutoff beta degree]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 8192      /* integration steps per sample */
#define MAXD 64
#define MAXDEG 9

static int half = 32, deg = 7;
static double cutoff = 0.453, beta = 9.5;

static double bessel_i0(double x)
{
	double s = 1.0, t = 1.0;
	for (int k = 1; k < 80; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		s += t;
	}
	return s;
}

static double kernel(double x)
{
	double u = x / half;
	if (fabs(u) >= 1.0)
		return 0.0;
	double w = bessel_i0(beta * sqrt(1.0 - u * u)) / bessel_i0(beta);
	double a = 2.0 * M_PI * cutoff * x;
	return 2.0 * cutoff * (fabs(a) < 1e-12 ? 1.0 : sin(a) / a) * w;
}

static double step[2 * MAXD * NS + 1];

int main(int argc, char **argv)
{
	if (argc == 5) {
		half = atoi(argv[1]);
		cutoff = atof(argv[2]);
		beta = atof(argv[3]);
		deg = atoi(argv[4]);
	}
	if (half < 1 || half > MAXD || deg < 1 || deg > MAXDEG)
		return 1;
	int n = 2 * half * NS;
	double h = 1.0 / NS;
	step[0] = 0.0;
	for (int i = 0; i < n; i++) {   /* Simpson per step */
		double x = -half + i * h;
		step[i + 1] = step[i] + h / 6.0 * (kernel(x) + 4.0 * kernel(x + 0.5 * h) + kernel(x + h));
	}
	for (int i = 0; i <= n; i++)
		step[i] /= step[n];

	double worst = 0.0;
	static double coef[MAXDEG + 1][MAXD];
	for (int k = 0; k < half; k++) {
		double a[MAXDEG + 1][MAXDEG + 2];
		int m = deg + 1;
		memset(a, 0, sizeof a);
		for (int i = 0; i <= NS; i++) {
			double d = (double)i / NS;
			double r = step[(half + k) * NS + i] - 1.0;
			double pw[MAXDEG + 1];
			pw[0] = 1.0;
			for (int q = 1; q < m; q++)
				pw[q] = pw[q - 1] * d;
			for (int p = 0; p < m; p++) {
				for (int q = 0; q < m; q++)
					a[p][q] += pw[p] * pw[q];
				a[p][m] += pw[p] * r;
			}
		}
		for (int c = 0; c < m; c++)
			for (int r = c + 1; r < m; r++) {
				double f = a[r][c] / a[c][c];
				for (int j = c; j <= m; j++)
					a[r][j] -= f * a[c][j];
			}
		double x[MAXDEG + 1];
		for (int c = m - 1; c >= 0; c--) {
			double s = a[c][m];
			for (int j = c + 1; j < m; j++)
				s -= a[c][j] * x[j];
			x[c] = s / a[c][c];
		}
		for (int i = 0; i <= NS; i++) {
			double d = (double)i / NS, f = 0.0;
			for (int q = deg; q >= 0; q--)
				f = f * d + (float)x[q];
			double e = fabs(f - (step[(half + k) * NS + i] - 1.0));
			if (e > worst)
				worst = e;
		}
		for (int q = 0; q < m; q++)
			coef[q][k] = x[q];
	}
	printf("static const float blep_poly[BLEP_DEG + 1][SYNTH_BLEP_HALF] = {\n");
	for (int q = 0; q <= deg; q++) {
		printf("\t{");
		for (int k = 0; k < half; k++)
			printf("%s%.8ef,", k % 4 ? " " : "\n\t\t", (float)coef[q][k]);
		printf("\n\t},\n");
	}
	printf("};\n/* half %d, cutoff %.3f, beta %.2f, degree %d: worst fit error %.2e */\n",
	       half, cutoff, beta, deg, worst);
	return 0;
}
