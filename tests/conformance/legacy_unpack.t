#!/usr/bin/perl
# Decodes the streams xebek-extract writes for the reference captures the
# way the legacy Sebek Perl tools do (unpack "LLNNnnNNNNNNNNa12N", sockets
# "NnNnnC") and checks every field against oracle_*/records.tsv.
use strict;
use warnings;
use Test::More;

my $extract = $ENV{XEBEK_EXTRACT}
  or BAIL_OUT('XEBEK_EXTRACT (path of xebek-extract) is not set; run through ctest');
my $vectors = $ENV{XEBEK_VECTORS}
  or BAIL_OUT('XEBEK_VECTORS is not set; run through ctest');
ok(-x $extract, "xebek-extract exists at $extract") or BAIL_OUT('no xebek-extract');

sub read_table {
  my ($path) = @_;
  open(my $fh, '<', $path) or BAIL_OUT("cannot read $path: $!");
  chomp(my $head = <$fh>);
  my @cols = split /\t/, $head, -1;
  my @rows;
  while (my $line = <$fh>) {
    chomp $line;
    my @cells = split /\t/, $line, -1;
    my %row;
    @row{@cols} = @cells;
    push @rows, \%row;
  }
  return \@rows, \@cols;
}

sub dotted { join '.', unpack('C4', pack('N', $_[0])) }

for my $name (qw(x edge)) {
  my $pcap = "$vectors/$name.pcap";
  open(my $pipe, '-|', $extract, '-f', $pcap) or BAIL_OUT("cannot run $extract: $!");
  binmode $pipe;
  my $stream = do { local $/; <$pipe> };
  close $pipe;
  is($? >> 8, 0, "$name: xebek-extract exits 0");

  my ($rows, $cols) = read_table("$vectors/oracle_$name/records.tsv");
  my $sock_col = $cols->[18];
  my ($pos, $i) = (0, 0);
  while (length($stream) - $pos >= 68) {
    my ($pcap_sec, $pcap_usec, $ip, $magic, $ver, $type, $counter, $sec, $usec,
        $ppid, $pid, $uid, $fd, $inode, $com, $len) =
      unpack('LLNNnnNNNNNNNNa12N', substr($stream, $pos, 68));
    my $data = substr($stream, $pos + 68, $len);
    my $row = $rows->[$i] or do { fail("$name: record $i has no row in records.tsv"); last };
    my $at = "$name record $i";
    is($pcap_sec, $row->{pcap_sec}, "$at pcap_sec");
    is($pcap_usec, $row->{pcap_usec}, "$at pcap_usec");
    is(dotted($ip), $row->{src_ip}, "$at src_ip");
    is(sprintf('0x%08x', $magic), $row->{magic}, "$at magic");
    is($ver, $row->{ver}, "$at ver");
    is($type, $row->{type}, "$at type");
    is($counter, $row->{counter}, "$at counter");
    is($sec, $row->{time_sec}, "$at time_sec");
    is($usec, $row->{time_usec}, "$at time_usec");
    is($ppid, $row->{ppid}, "$at ppid");
    is($pid, $row->{pid}, "$at pid");
    is($uid, $row->{uid}, "$at uid");
    is($fd, $row->{fd}, "$at fd");
    is($inode, $row->{inode}, "$at inode");
    is(unpack('H*', $com), $row->{com_hex}, "$at com bytes");
    (my $com_name = $com) =~ s/\0.*//s;   # what the tools print
    is($com_name, $row->{com}, "$at com");
    is($len, $row->{len}, "$at len");
    is(length($data), $len, "$at data present");
    is(unpack('H*', $data), $row->{data_hex}, "$at data");
    if ($type == 2) {
      my ($dip, $dport, $sip, $sport, $call, $proto) = unpack('NnNnnC', $data);
      is(sprintf('%s:%u<-%s:%u call=%u proto=%u', dotted($dip), $dport, dotted($sip), $sport,
                 $call, $proto),
         $row->{$sock_col}, "$at socket");
    }
    $pos += 68 + $len;
    ++$i;
  }
  is($pos, length($stream), "$name: the stream ends on a record boundary");
  is($i, scalar(@$rows), "$name: one record per records.tsv row");
}

done_testing();
