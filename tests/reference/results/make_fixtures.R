# Reference figures for the exhibits of workbench.results, from R survey + mitools.
#
# Run from the repository root:   Rscript tests/reference/results/make_fixtures.R
# Reads ../shared/reference/timss2011_g4_math.csv.gz (the TIMSS 2011 grade-4 file; its
# mathematics PVs play the part of the reading PVs, `female` of ITSEX, `books` of an
# oblast, `lang` of the language of instruction) and writes
# tests/reference/results/fixtures.csv (one row per estimate) and session_info.txt.
#
# Design: svrepdesign(type = "JK2", mse = TRUE, combined.weights = TRUE) on the 75 IEA
# replicate weights; every statistic per plausible value, then mitools::MIcombine (sampling
# variance averaged over the PVs + (1 + 1/M) x between-PV variance); domains by subset().
# Exhibits: distribution (svymean, sqrt(svyvar), svyquantile qrule = "math"), benchmarks
# (at or above each cut and within each level), gaps (svyby covmat + svycontrast), each
# group against the whole (withReplicates of domain mean - total mean), every pair of
# groups (svycontrast), percent by category and mean by category, svyglm with coefficients
# standardized by the weighted SDs (population form, sum w (x - m)^2 / sum w).

suppressMessages({
  library(survey)
  library(mitools)
})

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
root <- normalizePath(file.path(here, "..", "..", ".."))
ref <- file.path(dirname(root), "shared", "reference")

timss <- read.csv(gzfile(file.path(ref, "timss2011_g4_math.csv.gz")))
jk2 <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                   type = "JK2", mse = TRUE, combined.weights = TRUE)
math <- paste0("ASMMAT", 1:5)
cuts <- c(400, 475, 550, 625)

rows <- list()
emit <- function(case, group, key, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, group = as.character(group), key = as.character(key),
    estimate = sprintf("%.17g", est), se = sprintf("%.17g", se))
}
pv_combine <- function(design, fun) {
  res <- lapply(math, function(p) fun(update(design, PV = design$variables[[p]])))
  mi <- MIcombine(lapply(res, `[[`, "coef"),
                  lapply(res, function(r) diag(r$var, nrow = length(r$coef))))
  list(coef = mi$coefficients, se = sqrt(diag(mi$variance)))
}
emit_pv <- function(case, group, design, fun) {
  r <- pv_combine(design, fun)
  emit(case, group, names(r$coef), r$coef, r$se)
}
stat <- function(x) list(coef = coef(x), var = diag(as.matrix(vcov(x))))
dom <- function(design, var, g) {
  design[!is.na(design$variables[[var]]) & design$variables[[var]] == g, ]
}
levels_of <- function(var) sort(unique(na.omit(timss[[var]])))
designs <- c(list(all = jk2), setNames(lapply(levels_of("female"), function(g)
  dom(jk2, "female", g)), paste0("female=", levels_of("female"))))

# ---- 1. distribution -------------------------------------------------------------------
sdev <- function(d) {
  v <- svyvar(~PV, d, return.replicates = TRUE)
  est <- sqrt(as.numeric(v$variance))
  list(coef = c(sd = est), var = svrVar(sqrt(as.numeric(v$replicates)), d$scale, d$rscales,
                                        mse = d$mse, coef = est))
}
probs <- c(0.05, 0.25, 0.5, 0.75, 0.95)
quant <- function(d) {
  q <- svyquantile(~PV, d, probs, qrule = "math", interval.type = "quantile", se = TRUE)
  list(coef = setNames(q$PV[, "quantile"], paste0("p", probs * 100)), var = SE(q)^2)
}
for (name in names(designs)) {
  d <- designs[[name]]
  emit_pv("distribution_mean", name, d, function(x) {
    s <- stat(svymean(~PV, x)); names(s$coef) <- "mean"; s })
  emit_pv("distribution_sd", name, d, sdev)
  emit_pv("distribution_quantile", name, d, quant)
}

# ---- 2. benchmarks ---------------------------------------------------------------------
above <- function(d) {
  x <- sapply(cuts, function(c) 100 * as.numeric(d$variables$PV >= c))
  colnames(x) <- cuts
  s <- svymean(x, d)
  list(coef = setNames(coef(s), cuts), var = diag(as.matrix(vcov(s))))
}
within <- function(d) {
  lev <- findInterval(d$variables$PV, cuts)
  x <- sapply(0:length(cuts), function(k) 100 * as.numeric(lev == k))
  s <- svymean(x, d)
  list(coef = setNames(coef(s), paste0("level", 0:length(cuts))),
       var = diag(as.matrix(vcov(s))))
}
for (name in names(designs)) {
  emit_pv("benchmarks_at_or_above", name, designs[[name]], above)
  emit_pv("benchmarks_within", name, designs[[name]], within)
}

# ---- 3. gaps ---------------------------------------------------------------------------
contrast <- function(by, weights) {
  function(d) {
    b <- svyby(~PV, as.formula(paste0("~", by)), d, svymean, covmat = TRUE)
    s <- svycontrast(b, weights)
    list(coef = setNames(as.numeric(coef(s)), names(weights)), var = as.numeric(SE(s))^2)
  }
}
emit_pv("gap_girls_boys", "all", jk2, contrast("female", list(gap = c(-1, 1))))
langs <- levels_of("lang")
shares <- coef(svymean(~factor(lang), jk2, na.rm = TRUE))
majority <- langs[which.max(shares)]
for (k in setdiff(langs, majority)) {
  w <- setNames(as.numeric(langs == k) - as.numeric(langs == majority), langs)
  emit_pv("gap_language", k, jk2, contrast("lang", list(gap = w)))
}
books <- levels_of("books")
for (a in seq_along(books)) for (b in seq_along(books)) if (a < b) {
  w <- rep(0, length(books)); w[a] <- 1; w[b] <- -1
  emit_pv("pair_books", paste(books[a], books[b]), jk2, contrast("books", list(diff = w)))
}
part_whole <- function(g) {
  function(d) {
    r <- withReplicates(d, function(w, data) {
      inside <- !is.na(data$books) & data$books == g
      sum(w * data$PV * inside) / sum(w * inside) - sum(w * data$PV) / sum(w)
    })
    list(coef = c(diff = as.numeric(coef(r))), var = as.numeric(SE(r))^2)
  }
}
for (g in books) emit_pv("part_whole_books", g, jk2, part_whole(g))

# ---- 4. context ------------------------------------------------------------------------
pct <- svymean(~factor(books), jk2, na.rm = TRUE)
emit("percent_books", "all", books, 100 * coef(pct), 100 * SE(pct))
for (g in books) {
  emit_pv("mean_by_books", g, dom(jk2, "books", g), function(x) {
    s <- stat(svymean(~PV, x)); names(s$coef) <- "mean"; s })
}
ctrl <- glm.control(epsilon = 1e-12, maxit = 100)
cc <- jk2[!is.na(jk2$variables$female) & !is.na(jk2$variables$books), ]
wsd <- function(x, w) sqrt(sum(w * (x - sum(w * x) / sum(w))^2) / sum(w))
w <- weights(cc, "sampling")
sd_y <- mean(sapply(math, function(p) wsd(cc$variables[[p]], w)))
sd_x <- c("(Intercept)" = NA, female = wsd(cc$variables$female, w),
          books = wsd(cc$variables$books, w))
r <- pv_combine(cc, function(x) {
  g <- svyglm(PV ~ female + books, x, control = ctrl)
  list(coef = coef(g), var = diag(vcov(g)))
})
emit("regression", "all", names(r$coef), r$coef, r$se)
emit("regression_standardized", "all", names(r$coef), r$coef * sd_x / sd_y,
     r$se * sd_x / sd_y)

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "fixtures.csv"), row.names = FALSE, quote = TRUE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey")),
             paste("mitools", packageVersion("mitools"))),
           file.path(here, "session_info.txt"))
cat("wrote", nrow(out), "rows to", file.path(here, "fixtures.csv"), "\n")
